"""vaelib: the small shared package of the book "From autoencoders to VAEs".

Four flat modules, each function introduced by one chapter (its docstring says which):

- ``vaelib.data``: MNIST shipped offline with checksums, image validation.
- ``vaelib.models``: dense autoencoders and the variational autoencoder (Keras 3).
- ``vaelib.plots``: figures reused across chapters.
- ``vaelib.stats``: error measures and the statistics of chapter 5.

Import the modules you need (``from vaelib import data, models``); ``vaelib.models``
imports Keras, the others do not.
"""

__version__ = "0.1.0"
