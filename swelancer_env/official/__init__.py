"""The official SWE-Lancer benchmark's tasks through the same env: its CSV formats and issue
folders (:mod:`.loader`), getting the Diamond file (:mod:`.fetch`), and its tasks as
:class:`~swelancer_env.tasks.model.Task` objects that the env, the agents and ``eval`` run."""
