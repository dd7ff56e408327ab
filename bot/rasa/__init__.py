"""What Rasa loads by name (config.yml, credentials.yml, endpoints.yml) and the patches to its runtime."""
