"""What an e-mail's recipient reaches: the unsubscribe page and RFC 8058's one-click POST."""
