"""Running the service's processes: gunicorn with gevent workers, the supervisor, the access log."""
