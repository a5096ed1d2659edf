"""Adapters that plug :class:`~swelancer_env.env.SWELancerEnv` into RL frameworks unchanged.

Each module imports its framework, which is an optional dependency:

- :mod:`swelancer_env.adapters.verifiers_env`: a `verifiers` environment
  (``pip install 'swelancer-env[verifiers]'``), ``load_environment(...)``.
- :mod:`swelancer_env.adapters.skyrl_env`: a SkyRL-Gym text environment
  (``pip install 'swelancer-env[skyrl]'``), ``register_swelancer()`` then
  ``skyrl_gym.make("swelancer", ...)``.

See docs/ADAPTERS.md.
"""
