"""The web server: the chat page, a proxy to Rasa's REST channel, and drafts as HTML and PDF."""
