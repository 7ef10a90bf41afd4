"""The language registry: one registry, filled one way — by discovering language YAML files.

Every language, built-in or a user's, is one YAML file (see ``grammars/README.md``). Built-in
languages with a hand-written Python implementation name it with ``python: module:Class``.
Discovery order: the shipped ``grammars/`` folder, then each folder of ``LANGLAB_PATH``
(``os.pathsep``-separated), then folders passed explicitly (the CLI's ``--grammars DIR``).
A file in a sub-folder is registered under the folder as a namespace:
``grammars/flare/parity.yaml`` with ``name: parity`` is ``flare/parity``.

Listing reads only each file's ``name``; a language is compiled on first ``load_language``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from langlab.errors import SpecError, UnknownNameError
from langlab.languages.base import Language

SHIPPED = Path(__file__).resolve().parent.parent / "grammars"


@dataclass(frozen=True)
class Entry:
    name: str
    path: Path


class Registry:
    def __init__(self, folders: list[Path]):
        self.folders = folders
        self._entries: dict[str, Entry] | None = None
        self._loaded: dict[str, Language] = {}

    def entries(self) -> dict[str, Entry]:
        if self._entries is None:
            from langlab.languages.spec import read_language_name

            entries: dict[str, Entry] = {}
            for folder in self.folders:
                for path in sorted(folder.rglob("*.yaml")):
                    if path.name.startswith("_"):  # _template.yaml and friends
                        continue
                    rel = path.relative_to(folder).parent
                    prefix = "" if str(rel) == "." else rel.as_posix() + "/"
                    name = prefix + read_language_name(path)
                    if name in entries:
                        raise SpecError(f"two languages are named {name!r}: "
                                        f"{entries[name].path} and {path}; rename one", path)
                    entries[name] = Entry(name, path)
            self._entries = entries
        return self._entries

    def names(self) -> list[str]:
        return sorted(self.entries())

    def locate(self, name_or_path: str | os.PathLike) -> tuple[Path, str | None]:
        """The file of a language name or path, and the registered name (None for a path)."""
        key = str(name_or_path)
        entries = self.entries()
        if key in entries:
            return entries[key].path, entries[key].name
        if key.endswith((".yaml", ".yml")) or os.sep in key or "/" in key or Path(key).is_file():
            path = Path(key)
            if not path.is_file():
                if "/" in key and not key.endswith((".yaml", ".yml")):
                    raise UnknownNameError("language", key, list(entries))
                raise SpecError(f"no such language file: {key}")
            return path, None
        raise UnknownNameError("language", key, list(entries))

    def load(self, name_or_path: str | os.PathLike) -> Language:
        key = str(name_or_path)
        if key not in self._loaded:
            path, name = self.locate(key)
            self._loaded[key] = _load_file(path, name=name)
        return self._loaded[key]

    def load_reference(self, name_or_path: str | os.PathLike) -> Language:
        """The generic definition (regex/dfa/cfg/pattern) of a language's file, compiled."""
        from langlab.languages.spec import load_reference_language

        path, name = self.locate(name_or_path)
        return load_reference_language(path, name=name)


def _load_file(path: Path, name: str | None) -> Language:
    from langlab.languages.spec import load_language_file

    return load_language_file(path, name=name)


def search_folders(extra: list[str | os.PathLike] | None = None) -> list[Path]:
    folders = [SHIPPED]
    env = os.environ.get("LANGLAB_PATH", "")
    folders += [Path(p) for p in env.split(os.pathsep) if p]
    folders += [Path(p) for p in (extra or [])]
    for f in folders[1:]:
        if not f.is_dir():
            raise SpecError(f"grammar folder not found: {f}")
    return folders


_REGISTRIES: dict[tuple, Registry] = {}


def registry(extra: list[str | os.PathLike] | None = None) -> Registry:
    """The registry for the shipped grammars, ``LANGLAB_PATH`` and ``extra`` folders (cached)."""
    folders = search_folders(extra)
    key = tuple(str(f) for f in folders)
    if key not in _REGISTRIES:
        _REGISTRIES[key] = Registry(folders)
    return _REGISTRIES[key]


def load_reference_language(name_or_path: str | os.PathLike,
                            grammars: list[str | os.PathLike] | None = None) -> Language:
    """The generic reference definition of a registered language (see ``langlab.languages.spec``)."""
    return registry(grammars).load_reference(name_or_path)


def list_languages(grammars: list[str | os.PathLike] | None = None) -> list[str]:
    """Every registered language name, sorted."""
    return registry(grammars).names()


def load_language(name_or_path: str | os.PathLike,
                  grammars: list[str | os.PathLike] | None = None) -> Language:
    """A registered language by name (``"dyck-2"``, ``"flare/parity"``) or a YAML file path."""
    return registry(grammars).load(name_or_path)
