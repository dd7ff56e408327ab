"""Every Chinese sentence out: the message catalogue, answers, documents."""
