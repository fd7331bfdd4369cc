"""E-mail: rendering owed messages in the recipient's language and handing them to a transport."""
