"""Front doors: the ``estimator`` command and the what-if dashboard."""
