"""Static files for WhiteNoise: compressed, with content hashes in their names once collected.

`ecer serve` runs collectstatic into STATIC_ROOT (the data directory) before it starts the workers.
Without a collected manifest (tests, the development server) names stay unhashed instead of failing,
so `{% static %}` works in every process.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def hashed_name(self, name, content=None, filename=None):  # type: ignore[no-untyped-def]
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:  # not collected here (or a stylesheet refers to a file nobody ships)
            return name
