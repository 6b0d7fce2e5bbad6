"""Takes applications over HTTP and CSV, screens them and enrols eligible athletes in training."""
