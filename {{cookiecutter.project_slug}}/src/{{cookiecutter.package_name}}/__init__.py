"""{{ cookiecutter.project_name|replace('\\', '\\\\') }}.

The pipeline stages, the data contract and the model of this project.
"""

__version__ = "0.1.0"
