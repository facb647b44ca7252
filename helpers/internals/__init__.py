"""Chapter 1, LSTM internals: what ``torch.nn.LSTM`` computes, and how far its gradients reach.

Modules, in the order the chapter uses them:
    diagram     the LSTM (and plain RNN) cell drawn by code (``draw_cell``)
    reference   a from-scratch LSTM that matches ``nn.LSTM`` (``lstm_cell``, ``lstm_forward``)
    agreement   how closely it matches, measured (``compare_with_nn_lstm``)
    shapes      weight blocks, parameter counts, output shapes (``lstm_parameter_count``)
    gates       gates over time, memory span, the forget-gate bias (``gate_trace``)
    memory      one write followed through the forget gates (``carried_share``)
    adding      the adding problem and the RNN/LSTM regressor trained on it
    gradients   gradient reaching each time step, before and after training (``gradient_flow``)
"""
