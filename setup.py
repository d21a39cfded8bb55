"""Build the optional compiled codec (ecer.hj212._speedups) with Cython and the system C compiler.

Everything else is declared in pyproject.toml. The extension is optional: without a C compiler the
build goes on and ecer.hj212 uses the pure-Python codec (it logs a notice when first imported).
"""

from setuptools import Extension, setup

try:
    from Cython.Build import cythonize
except ImportError:  # Cython is in build-system requires; without it, no extension
    ext_modules = []
else:
    ext_modules = cythonize(
        [Extension("ecer.hj212._speedups", ["src/ecer/hj212/_speedups.pyx"], optional=True,
                   extra_compile_args=["-O2"])],
        compiler_directives={"language_level": "3"}, quiet=True)

setup(ext_modules=ext_modules)
