"""Profiles domain: the config of identity resolution, profile attributes and custom metrics, and the identity
quality measure. Its models are in the dbt project (staging, intermediate, marts), built by assets.dbt_models."""
