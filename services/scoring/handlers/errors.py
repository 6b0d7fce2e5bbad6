"""What scoring's use cases refuse, for the entry points to translate."""


class UnknownApplication(LookupError):
    pass


class UnknownEdition(LookupError):
    pass
