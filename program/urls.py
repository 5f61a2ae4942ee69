"""The program's pages: the public program (``public_urls``) and the chairs' builder
(``builder_urls``), one namespace."""

from program import builder_urls, public_urls

app_name = "program"
urlpatterns = [*public_urls.urlpatterns, *builder_urls.urlpatterns]
