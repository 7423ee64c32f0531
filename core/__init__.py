"""What every layer may import: the project's settings (paths and limits from the environment) and the YAML loader."""
