"""Understanding a turn before it is answered (issue 14): what the notice does not cover, a second
signal that must agree with the classifier, facts typed into the question, follow-ups, and two
questions in one message. Everything here is pure: no Rasa, no database, no clock."""
