"""The production shape on one machine: PostgreSQL, Redis, nginx, two Rasa and two action replicas, the web.

    python -m bot.cluster start [--model models/qianjian.tar.gz]   # make run-cluster
    python -m bot.cluster stop                                      # make stop-cluster
"""
