"""Chapter 4, sums of harmonics: signals, the DFT and classical forecasters, the
recurrent models, and a fixed benchmark."""
