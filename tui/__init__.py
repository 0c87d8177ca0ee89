"""The Textual app and the command line. Nothing else imports this package."""
