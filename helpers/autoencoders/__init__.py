"""Chapter 5, LSTM autoencoders: the models, and the synthetic, MNIST and S&P 500
tasks that the notebooks and ``python -m helpers.experiments`` share."""
