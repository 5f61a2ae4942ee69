from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews, discussion, author response and decisions"

    def ready(self) -> None:
        from conferences.access import register_facts
        from reviews import policy  # noqa: F401  (registers the rules)
        from reviews.models import Review
        from reviews.selectors import review_facts

        register_facts("reviews", review_facts, changed_by=[Review])  # type: ignore[arg-type]
        from reviews import responses, review_mail, signals

        signals.review_submitted.connect(review_mail.on_review_submitted, dispatch_uid="reviews.mail.submitted")
        signals.review_updated.connect(review_mail.on_review_updated, dispatch_uid="reviews.mail.updated")

        signals.review_updated.connect(responses.on_review_updated, dispatch_uid="reviews.responses.on_review_updated")

        from reviews import recipients

        recipients.register()  # the composer's recipient sets
