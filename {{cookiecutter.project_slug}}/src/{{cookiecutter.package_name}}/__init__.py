"""{{ cookiecutter.project_name }}: pipeline stages, data contract and model."""

__version__ = "0.1.0"
