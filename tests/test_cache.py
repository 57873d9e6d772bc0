"""vaelib.cache.fit_once reuses a run only when it is the same run, and exactly."""

import keras
import numpy as np
import pytest

from vaelib import cache
from vaelib.vae import build_vae


def tiny(seed=0, units=3):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(units)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    return model


def data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 5)).astype("float32"), rng.normal(size=(n, 3)).astype(
        "float32"
    )


def values(model):
    return [keras.ops.convert_to_numpy(v) for v in model.variables]


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV, str(tmp_path))
    return tmp_path


def test_without_the_variable_it_is_fit_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv(cache.ENV, raising=False)
    x, y = data()
    model = tiny()
    history = cache.fit_once(model, x, y, epochs=2, batch_size=16, verbose=0)
    assert len(history.history["loss"]) == 2
    assert list(tmp_path.iterdir()) == []


def test_the_same_run_is_loaded_not_trained(folder, monkeypatch):
    x, y = data()
    first = tiny()
    h1 = cache.fit_once(first, x, y, epochs=3, batch_size=16, shuffle=True, verbose=0)
    after_first = np.random.rand(3)
    assert len(list(folder.glob("*.npz"))) == 1

    second = tiny()

    def no_training(*args, **kwargs):
        raise AssertionError("fit_once trained a run it had saved")

    monkeypatch.setattr(second, "fit", no_training)
    h2 = cache.fit_once(second, x, y, epochs=3, batch_size=16, shuffle=True, verbose=0)
    after_second = np.random.rand(3)
    for a, b in zip(values(first), values(second), strict=True):
        np.testing.assert_array_equal(a, b)
    assert h2.history == pytest.approx(h1.history)
    assert h2.epoch == [0, 1, 2]
    # the optimiser's state came back too, and the global seeds are the same either way
    assert int(second.optimizer.iterations) == int(first.optimizer.iterations) == 12
    np.testing.assert_array_equal(after_first, after_second)
    # the loaded model predicts what the trained one does
    np.testing.assert_allclose(
        first.predict(x, verbose=0), second.predict(x, verbose=0), rtol=0, atol=0
    )


@pytest.mark.parametrize(
    "change",
    ["seed", "data", "epochs", "learning rate", "units", "loss"],
)
def test_any_change_trains_afresh(folder, change):
    x, y = data()
    cache.fit_once(tiny(), x, y, epochs=2, batch_size=16, verbose=0)
    model, kwargs = tiny(), dict(epochs=2, batch_size=16, verbose=0)
    if change == "seed":
        model = tiny(seed=1)
    elif change == "data":
        x = x.copy()
        x[0, 0] += 1e-3
    elif change == "epochs":
        kwargs["epochs"] = 3
    elif change == "learning rate":
        model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    elif change == "units":
        keras.utils.set_random_seed(0)
        model = keras.Sequential(
            [keras.Input((5,)), keras.layers.Dense(3, activation="relu")]
        )
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    elif change == "loss":
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mae")
    cache.fit_once(model, x, y, **kwargs)
    assert len(list(folder.glob("*.npz"))) == 2, change


def test_the_data_key_is_its_content_not_the_object():
    """fit(x, x) reads x once; a copy of the same bytes is the same data; any change
    of a value, the dtype or the shape is different data."""
    x, _ = data()
    model = tiny(units=5)
    parts = cache.run_parts(model, x, x, epochs=1, validation_data=(x, x))
    same = cache.run_parts(
        model, x.copy(), x.copy(), epochs=1, validation_data=(x.copy(), x.copy())
    )
    assert parts == same
    assert parts["x"] == parts["y"]  # the same array twice, the same digest
    changed = x.copy()
    changed[-1, -1] = np.nextafter(changed[-1, -1], np.inf)  # one bit of one value
    for other in (changed, x.astype("float64"), x.reshape(32, 10)):
        assert cache.run_parts(model, other, x, epochs=1)["x"] != parts["x"]
    # only y changed: only y's digest changes
    other_y = cache.run_parts(model, x, changed, epochs=1, validation_data=(x, x))
    assert other_y["x"] == parts["x"] and other_y["y"] != parts["y"]
    assert (
        cache.run_parts(model, x, x, epochs=1, validation_data=(x, changed))["fit"]
        != parts["fit"]
    )


def test_the_key_follows_the_code_of_the_loss():
    x, y = data()

    def loss_a(t, p):
        return keras.ops.mean(keras.ops.square(t - p), axis=-1)

    def loss_b(t, p):
        return keras.ops.mean(keras.ops.abs(t - p), axis=-1)

    keys = []
    for loss in (loss_a, loss_b):
        model = tiny()
        model.compile(optimizer="adam", loss=loss)
        keys.append(cache.run_key(model, x, y, epochs=1))
    assert keys[0] != keys[1]


def test_names_and_modules_do_not_change_the_key():
    """Keras numbers names by how many objects exist; a run is the same run anyway."""
    x = np.zeros((4, 784), "float32")
    keys = []
    for _ in range(2):
        keras.utils.set_random_seed(1)
        vae = build_vae(seed=1)
        vae.compile(optimizer=keras.optimizers.RMSprop())  # rm_sprop, then rm_sprop_1
        keys.append(cache.run_key(vae, x, epochs=1))
    assert keys[0] == keys[1]
    keras.utils.set_random_seed(1)
    vae = build_vae(seed=1)
    vae(x)  # draws noise: the sampling layer's random state moves on
    vae.compile(optimizer=keras.optimizers.RMSprop())
    assert cache.run_key(vae, x, epochs=1) != keys[0]


def test_bad_input_is_refused(folder):
    x, y = data()
    with pytest.raises(TypeError, match="keras.Model"):
        cache.fit_once("model", x, y, epochs=1)
    uncompiled = keras.Sequential([keras.Input((5,)), keras.layers.Dense(3)])
    with pytest.raises(ValueError, match="compile"):
        cache.fit_once(uncompiled, x, y, epochs=1)
    with pytest.raises(ValueError, match="callbacks"):
        cache.fit_once(tiny(), x, y, epochs=1, callbacks=[keras.callbacks.History()])
    with pytest.raises(TypeError, match="can only hash"):
        cache.fit_once(tiny(), x, y, epochs=1, class_weight=object())
