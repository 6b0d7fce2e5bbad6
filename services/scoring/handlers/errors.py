"""What scoring's use cases refuse, for the entry points to translate."""


class UnknownApplication(LookupError):
    pass


class UnknownEdition(LookupError):
    pass


class NoReviewPanel(LookupError):
    """The edition is unknown, or its file has no [review] section."""


class UnknownReviewer(LookupError):
    pass


class NotAssigned(LookupError):
    """The application is not (or no longer) in this reviewer's queue. One answer for an
    unknown application and for another reviewer's, so neither can be told apart."""
