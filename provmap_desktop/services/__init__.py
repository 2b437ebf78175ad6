"""Domain services: the rules of the provision map. No Qt here."""
