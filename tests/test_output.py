"""Files the command writes (verify --latex/--pdf/--markdown, descent --latex/--plot): a path
that cannot be written is a located error (exit 2) given before the work, and a write that
fails half-way leaves no half-written file. Found by an outside fuzz run, where each of these
was an internal error (exit 4: FileNotFoundError, IsADirectoryError)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from symderiv import _output
from symderiv.cli import main
from symderiv.errors import ArgumentError, OutputPathError, SymderivError

DOC = str(Path(__file__).parent.parent / "docs" / "examples" / "least_squares.md")

#: every option of every command that names a file or directory to write
OUTPUT_OPTIONS = [("verify", "--latex"), ("verify", "--markdown"), ("verify", "--pdf"),
                  ("descent", "--latex"), ("descent", "--plot")]


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


def command(cmd: str, option: str, path: str) -> list[str]:
    head = ["verify", DOC] if cmd == "verify" else ["descent", "--epochs", "3"]
    return [*head, option, path]


def assert_located(result: object, option: str, path: str, words: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert lines == [f"Error: cannot write {option} {path!r}: {words}"], result.stderr


# -- the reproducers: each was exit 4 --------------------------------------------------------
FILE_OPTIONS = [o for o in OUTPUT_OPTIONS if o[1] != "--plot"]  # --plot creates its directory


@pytest.mark.parametrize(("cmd", "option"), FILE_OPTIONS)
def test_a_missing_directory_is_a_located_error(cmd: str, option: str) -> None:
    assert_located(run(*command(cmd, option, "/nonexistent/out.tex")), option,
                   "/nonexistent/out.tex", "no such directory '/nonexistent'")


@pytest.mark.parametrize(("cmd", "option"), FILE_OPTIONS)
def test_a_directory_as_the_file_is_a_located_error(cmd: str, option: str,
                                                    tmp_path: Path) -> None:
    assert_located(run(*command(cmd, option, str(tmp_path))), option, str(tmp_path),
                   "it is a directory (give a file name)")


@pytest.mark.parametrize(("cmd", "option"), OUTPUT_OPTIONS)
def test_a_dash_is_not_taken_for_a_file_called_dash(cmd: str, option: str, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # found by a review: --latex - wrote a file called '-' (verify FILE reads '-' as stdin)
    monkeypatch.chdir(tmp_path)
    what = "directory" if option == "--plot" else "file"
    assert_located(run(*command(cmd, option, "-")), option, "-",
                   "'-' does not mean standard output here (the report goes there); give a "
                   f"{what} name, or ./- for a {what} called '-'")
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize(("cmd", "option"), OUTPUT_OPTIONS)
def test_a_file_in_the_way_is_a_located_error(cmd: str, option: str, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    path = str(tmp_path / "file" / "out.tex")
    assert_located(run(*command(cmd, option, path)), option, path,
                   "a part of the path is a file, not a directory")


def test_a_file_as_the_figure_directory_is_a_located_error(tmp_path: Path) -> None:
    (tmp_path / "figs").write_text("x")
    assert_located(run(*command("descent", "--plot", str(tmp_path / "figs"))), "--plot",
                   str(tmp_path / "figs"), "it is not a directory")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
@pytest.mark.parametrize(("cmd", "option"), OUTPUT_OPTIONS)
def test_a_read_only_directory_is_a_located_error(cmd: str, option: str,
                                                  tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        path = str(locked / "out")
        assert_located(run(*command(cmd, option, path)), option, path,
                       f"permission denied in {str(locked)!r}")
    finally:
        locked.chmod(0o755)


@pytest.mark.parametrize("option", ["--latex", "--markdown"])
def test_a_read_only_location_is_a_located_error_even_for_root(option: str) -> None:
    """sysfs refuses new files whatever the permissions say (root passes os.access)."""
    if not os.path.isdir("/sys/kernel"):
        pytest.skip("no sysfs here")
    r = run(*command("verify", option, "/sys/kernel/out.md"))
    assert r.exit_code == 2, r.output
    assert r.stderr.startswith(f"Error: cannot write {option} '/sys/kernel/out.md': ")
    assert len(r.stderr.strip().splitlines()) == 1


def test_a_broken_symbolic_link_is_named(tmp_path: Path) -> None:
    (tmp_path / "link.tex").symlink_to("/nonexistent/target.tex")
    assert_located(run(*command("verify", "--latex", str(tmp_path / "link.tex"))), "--latex",
                   str(tmp_path / "link.tex"),
                   "it is a broken symbolic link (to '/nonexistent/target.tex')")


@pytest.mark.parametrize(("path", "words"), [
    ("", "the path is empty"),
    ("out\x00.tex", "the path contains a NUL character"),
    ("x" * 300 + ".tex", "file name too long"),
])
def test_impossible_names_are_located_errors(path: str, words: str) -> None:
    assert_located(run(*command("verify", "--latex", path)), "--latex", path, words)


# -- before the work, and never half-written -------------------------------------------------
@pytest.mark.parametrize(("cmd", "option"), OUTPUT_OPTIONS)
def test_the_path_is_refused_before_the_work(cmd: str, option: str, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the work started before the output path was checked")

    monkeypatch.setattr("symderiv.derivation.verify_document", never)
    monkeypatch.setattr("symderiv.descent.descend", never)
    (tmp_path / "file").write_text("x")
    r = run(*command(cmd, option, str(tmp_path / "file" / "out")))
    assert r.exit_code == 2 and "cannot write" in r.stderr, r.output


def test_a_write_that_fails_half_way_leaves_the_old_file(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "solution.md"
    target.write_text("the previous solution")

    def disk_full(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_output.os, "replace", disk_full)
    r = run("verify", DOC, "--markdown", str(target))
    assert_located(r, "--markdown", str(target), "no space left on device")
    assert target.read_text() == "the previous solution"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["solution.md"]


def test_figures_that_fail_half_way_leave_no_file(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib")
    from symderiv.descent import plots

    real = plots._loss_curves

    def fail_on_the_last(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(plots, "_loss_curves", fail_on_the_last)
    figs = tmp_path / "figs"
    assert_located(run("descent", "--epochs", "3", "--plot", str(figs)), "--plot", str(figs),
                   "no space left on device")
    assert list(figs.iterdir()) == []  # data.png and parameters.png were drawn, not moved
    monkeypatch.setattr(plots, "_loss_curves", real)
    r = run("descent", "--epochs", "3", "--plot", str(figs))
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in figs.iterdir()) == ["data.png", "loss.png", "parameters.png"]


def test_a_good_path_is_written_whole_with_the_usual_permissions(tmp_path: Path) -> None:
    target = tmp_path / "odd name\né.tex"
    r = run("verify", DOC, "--latex", str(target))
    assert r.exit_code == 1, r.output  # the document's erratum
    assert target.read_text(encoding="utf-8").startswith("\\documentclass")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    kept = tmp_path / "kept.md"
    kept.write_text("old")
    kept.chmod(0o640)
    assert run("verify", DOC, "--markdown", str(kept)).exit_code == 1
    assert kept.stat().st_mode & 0o777 == 0o640 and kept.read_text() != "old"


def test_a_symbolic_link_keeps_pointing_at_the_new_file(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_text("old")
    (tmp_path / "link.md").symlink_to(real)
    assert run("verify", DOC, "--markdown", str(tmp_path / "link.md")).exit_code == 1
    assert (tmp_path / "link.md").is_symlink() and real.read_text() != "old"


def test_a_device_is_written_in_place() -> None:
    assert run("verify", DOC, "--markdown", os.devnull).exit_code == 1
    assert os.path.exists(os.devnull) and not os.path.isfile(os.devnull)


# -- the library helpers -----------------------------------------------------------------------
def test_the_error_is_a_bad_argument_naming_option_and_path() -> None:
    with pytest.raises(OutputPathError) as info:
        _output.check_output_path("/nonexistent/out.tex", option="--latex")
    err = info.value
    assert isinstance(err, ArgumentError) and isinstance(err, ValueError)
    assert isinstance(err, SymderivError) and err.exit_code == 2
    assert (err.option, err.path) == ("--latex", "/nonexistent/out.tex")
    assert str(err) == "cannot write --latex '/nonexistent/out.tex': no such directory " \
                       "'/nonexistent'"


def test_no_permission_is_said_before_writing(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """As root os.access grants everything, so the refusal is simulated here."""
    existing = tmp_path / "old.tex"
    existing.write_text("x")
    monkeypatch.setattr(_output.os, "access", lambda path, mode: False)
    for path, words in [(str(tmp_path / "new.tex"), f"permission denied in {str(tmp_path)!r}"),
                        (str(existing), "permission denied")]:
        with pytest.raises(OutputPathError, match="^cannot write --latex .*: " + words):
            _output.check_output_path(path, option="--latex")
    with pytest.raises(OutputPathError, match="permission denied in"):
        _output.check_output_path(str(tmp_path / "a" / "b"), option="--plot", directory=True)


def test_a_missing_figure_directory_is_created_with_its_parents(tmp_path: Path) -> None:
    def draw(staging: Path) -> list[Path]:
        (staging / "one.png").write_bytes(b"1")
        return [staging / "one.png"]

    out = _output.write_into(str(tmp_path / "a" / "b"), draw, option="--plot")
    assert out == [tmp_path / "a" / "b" / "one.png"] and out[0].read_bytes() == b"1"
    assert sorted(p.name for p in (tmp_path / "a" / "b").iterdir()) == ["one.png"]
