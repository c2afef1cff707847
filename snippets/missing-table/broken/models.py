def register_models(db):
    """Register the app's models on a DataFlow instance."""

    @db.model
    class User:
        name: str
        email: str
