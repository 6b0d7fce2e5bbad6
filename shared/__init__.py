"""The common kit every service uses in the same way; it holds no business rules."""
