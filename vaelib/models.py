"""Dense autoencoders and the variational autoencoder, in Keras 3.

Only ``keras``, ``keras.ops`` and ``keras.random`` are used, so nothing here depends on
what the printed chapter's Keras 2 listings relied on (``keras.objectives``,
``K.random_normal``, a batch size fixed in the graph).

- :func:`build_autoencoder` is introduced in chapter 1 (the bottleneck sweep) and reused
  in chapters 2 (linear and deep autoencoders), 3 and 4 (the plain autoencoder's latent
  space).
- :class:`Sampling`, :func:`kl_divergence`, :func:`reconstruction_loss`,
  :class:`VAE` and :func:`build_vae` are introduced in chapter 3 and reused in
  chapters 4 and 5.
"""

from __future__ import annotations

import keras
from keras import ops

from .data import PIXELS, check_images

__all__ = [
    "build_autoencoder",
    "Sampling",
    "kl_divergence",
    "reconstruction_loss",
    "VAE",
    "build_vae_encoder",
    "build_vae_decoder",
    "build_vae",
]


def _check_dims(**dims):
    for name, value in dims.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")


def build_autoencoder(
    latent_dim: int,
    hidden: tuple[int, ...] = (256,),
    activation: str | None = "relu",
    output_activation: str | None = "sigmoid",
    input_dim: int = PIXELS,
    name: str = "autoencoder",
):
    """Build a dense autoencoder; return ``(encoder, decoder, autoencoder)``.

    Introduced in chapter 1. The encoder maps ``input_dim`` numbers through the
    ``hidden`` layers to a code of ``latent_dim`` numbers (a linear layer, so the code is
    not squashed); the decoder mirrors the hidden layers in reverse order and ends in
    ``output_activation``. The three are Keras models that share layers: training the
    autoencoder trains the other two.

    ``hidden=()``, ``activation=None`` and ``output_activation=None`` give the linear
    autoencoder of chapter 2 (one weight matrix each way).
    """
    _check_dims(latent_dim=latent_dim, input_dim=input_dim)
    hidden = tuple(hidden)
    _check_dims(**{f"hidden[{i}]": h for i, h in enumerate(hidden)})

    x = keras.Input(shape=(input_dim,), name="image")
    h = x
    for i, units in enumerate(hidden):
        h = keras.layers.Dense(units, activation=activation, name=f"enc_{i}")(h)
    code = keras.layers.Dense(latent_dim, name="code")(h)
    encoder = keras.Model(x, code, name=f"{name}_encoder")

    z = keras.Input(shape=(latent_dim,), name="z")
    h = z
    for i, units in enumerate(reversed(hidden)):
        h = keras.layers.Dense(units, activation=activation, name=f"dec_{i}")(h)
    x_hat = keras.layers.Dense(
        input_dim, activation=output_activation, name="reconstruction"
    )(h)
    decoder = keras.Model(z, x_hat, name=f"{name}_decoder")

    autoencoder = keras.Model(x, decoder(encoder(x)), name=name)
    return encoder, decoder, autoencoder


@keras.saving.register_keras_serializable(package="vaelib")
class Sampling(keras.layers.Layer):
    """The reparameterisation trick: ``z = z_mean + exp(z_log_var / 2) * eps``.

    Introduced in chapter 3. ``eps ~ N(0, I)`` is drawn with the shape of ``z_mean`` at
    run time, so any batch size works (the printed listing fixed it to ``batch_size``),
    from a seeded :class:`keras.random.SeedGenerator`, so runs repeat.
    """

    def __init__(self, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        eps = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * eps

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


def kl_divergence(z_mean, z_log_var):
    """KL(N(z_mean, exp(z_log_var)) || N(0, I)) for each example, summed over latent dims.

    Introduced in chapter 3: ``-0.5 * sum(1 + log_var - mean**2 - exp(log_var))``.
    Returns a tensor of shape (batch,).
    """
    return -0.5 * ops.sum(
        1.0 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1
    )


def reconstruction_loss(x, x_decoded):
    """Binary cross-entropy summed over the pixels of each image (784 x the mean).

    Introduced in chapter 3. Returns a tensor of shape (batch,).
    """
    return ops.sum(ops.binary_crossentropy(x, x_decoded), axis=-1)


@keras.saving.register_keras_serializable(package="vaelib")
class VAE(keras.Model):
    """A variational autoencoder made of a separate ``encoder`` and ``decoder``.

    Introduced in chapter 3. ``encoder(x)`` returns ``[z_mean, z_log_var, z]``;
    ``decoder(z)`` returns pixel probabilities. Calling the VAE encodes, samples ``z``
    and decodes. Training minimises, averaged over the batch,
    ``reconstruction_loss + kl_divergence`` (the negative ELBO), and ``fit`` and
    ``evaluate`` report the two terms as ``reconstruction_loss`` and ``kl_loss``.
    Fit it with the images alone: ``vae.fit(x_train, ...)``.
    """

    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_tracker = keras.metrics.Mean(name="kl_loss")

    def call(self, x, training=False):
        z_mean, z_log_var, z = self.encoder(x, training=training)
        self.add_loss(ops.mean(kl_divergence(z_mean, z_log_var)))
        return self.decoder(z, training=training)

    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        reconstruction = ops.mean(reconstruction_loss(x, y_pred))
        kl = (
            ops.sum(ops.stack(self.losses))
            if self.losses
            else ops.convert_to_tensor(0.0)
        )
        self.reconstruction_tracker.update_state(reconstruction)
        self.kl_tracker.update_state(kl)
        return reconstruction + kl

    def reconstruct(self, x, batch_size: int = 1000):
        """Decode each image's latent mean (no sampling): deterministic reconstructions."""
        x = check_images(x)
        z_mean, _, _ = self.encoder.predict(x, batch_size=batch_size, verbose=0)
        return self.decoder.predict(z_mean, batch_size=batch_size, verbose=0)

    def get_config(self):
        return {
            **super().get_config(),
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        encoder = keras.saving.deserialize_keras_object(config.pop("encoder"))
        decoder = keras.saving.deserialize_keras_object(config.pop("decoder"))
        return cls(encoder, decoder, **config)


def build_vae_encoder(
    original_dim: int = PIXELS,
    intermediate_dim: int = 256,
    latent_dim: int = 2,
    seed: int | None = None,
):
    """Encoder ``x -> [z_mean, z_log_var, z]`` (chapter 3): Dense relu, two linear heads, sampling."""
    _check_dims(
        original_dim=original_dim,
        intermediate_dim=intermediate_dim,
        latent_dim=latent_dim,
    )
    x = keras.Input(shape=(original_dim,), name="image")
    h = keras.layers.Dense(intermediate_dim, activation="relu", name="encoding")(x)
    z_mean = keras.layers.Dense(latent_dim, name="z_mean")(h)
    z_log_var = keras.layers.Dense(latent_dim, name="z_log_var")(h)
    z = Sampling(seed=seed, name="z")([z_mean, z_log_var])
    return keras.Model(x, [z_mean, z_log_var, z], name="encoder")


def build_vae_decoder(
    original_dim: int = PIXELS, intermediate_dim: int = 256, latent_dim: int = 2
):
    """Decoder ``z -> pixel probabilities`` (chapter 3): Dense relu, Dense sigmoid."""
    _check_dims(
        original_dim=original_dim,
        intermediate_dim=intermediate_dim,
        latent_dim=latent_dim,
    )
    z = keras.Input(shape=(latent_dim,), name="z")
    h = keras.layers.Dense(intermediate_dim, activation="relu", name="decoding")(z)
    x_decoded = keras.layers.Dense(
        original_dim, activation="sigmoid", name="x_decoded"
    )(h)
    return keras.Model(z, x_decoded, name="decoder")


def build_vae(
    original_dim: int = PIXELS,
    intermediate_dim: int = 256,
    latent_dim: int = 2,
    seed: int | None = None,
) -> VAE:
    """The chapter-3 VAE: 784 -> 256 -> (z_mean, z_log_var) of ``latent_dim`` -> 256 -> 784.

    Compile it with an optimiser only (``vae.compile(optimizer="rmsprop")``): the loss
    is built in.
    """
    encoder = build_vae_encoder(original_dim, intermediate_dim, latent_dim, seed=seed)
    decoder = build_vae_decoder(original_dim, intermediate_dim, latent_dim)
    return VAE(encoder, decoder, name="vae")
