"""The production shape on one machine: PostgreSQL, Redis, nginx, two Rasa and two action replicas, the web.

    python -m bot.ops.cluster start [--model models/qianjian.tar.gz]   # make run-cluster
    python -m bot.ops.cluster stop                                      # make stop-cluster
"""
