"""两高一低 register (plan §四(三)): projects high in energy use and emissions, low in level."""
