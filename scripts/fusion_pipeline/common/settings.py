"""Settings dataclasses filled from a config section (unknown keys are the schema's business)."""


class FromConfig:
    @classmethod
    def from_config(cls, config: dict | None):
        return cls(**{k: v for k, v in (config or {}).items() if k in cls.__dataclass_fields__})
