"""vaelib: the small shared package of the book "From autoencoders to VAEs".

Hand-written infrastructure, which a reader need not study:

- ``vaelib.data``: MNIST shipped offline with checksums, image validation.
- ``vaelib.plots``: figure helpers, colour-blind-safe palettes, compact training logs.
- ``vaelib.checks``: the argument checks of the functions the chapters teach.
- ``vaelib.claims``: the hidden checks of the text's claims (strict in the build, a
  note in a reader's session) and each page's seed.
- ``vaelib.explorer``: live widgets that run in the reader's browser (chapters 4, 5).

Modules exported from the chapters by ``python scripts/export.py`` (never edit them by
hand: the first line of each names the chapter that is their source):

- ``vaelib.digits``: the digit classifier that reads the book's figures (data page).
- ``vaelib.autoencoder``: the dense autoencoder and error measures (chapter 1).
- ``vaelib.pca``: PCA against the linear autoencoder (chapter 2).
- ``vaelib.vae``: the variational autoencoder (chapter 3).
- ``vaelib.latent``: the latent grid and Gaussian surfaces (chapter 4).
- ``vaelib.divergences``: mixtures, maximum likelihood, divergences, sharpness (ch. 5).
- ``vaelib.elbo``: exact likelihoods on a grid, importance weights, active units
  (chapter 6).
"""

__version__ = "0.1.0"
