"""Chapter 1, LSTM internals: a from-scratch LSTM that matches ``torch.nn.LSTM``,
parameter counts, and what the gates do."""
