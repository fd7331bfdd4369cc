"""The sandbox stories: a merchant, a referrer and friends driving Passiton against the fake stores.

They drive the real app (its factory, HTTP routes and tasks); `passiton.sandbox` holds only the
fake stores and tools they play against, and imports nothing of the app.
"""
