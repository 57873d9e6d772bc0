"""The chapters are the source of vaelib's teaching code: the exported modules must be
exactly what a fresh export of the chapters writes (scripts/export.py, nbdev)."""

from conftest import load_script

export = load_script("export")


def test_vaelib_matches_a_fresh_export_of_the_chapters():
    assert export.exporting_notebooks(), "no chapter exports anything (#| default_exp)"
    problems = export.differences()
    assert not problems, "\n".join(problems)


def test_the_check_notices_a_hand_edit(tmp_path, monkeypatch):
    """The sync check is not vacuous: a changed exported module is reported."""
    package = tmp_path / "vaelib"
    package.mkdir()
    for module in export.exported_modules():
        (package / module.name).write_text(module.read_text())
    victim = sorted(package.glob("*.py"))[0]
    victim.write_text(victim.read_text() + "\nEDITED_BY_HAND = True\n")
    monkeypatch.setattr(export, "PACKAGE", package)
    problems = export.differences()
    assert any(victim.name in p for p in problems), problems


def test_exported_modules_say_where_to_edit():
    for module in export.exported_modules():
        first = module.read_text().splitlines()[0]
        assert "File to edit: ../chapters/" in first, f"{module.name}: {first}"
