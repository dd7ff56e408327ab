"""Running the system: make run's supervisor, the Rasa and action-server launchers, the cluster."""
