from django.apps import AppConfig


class SitePagesConfig(AppConfig):
    name = "site_pages"
    verbose_name = "Dashboards, phase mail and the demo"

    def ready(self) -> None:
        from site_pages.dashboard import register_panels

        register_panels()
