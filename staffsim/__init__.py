"""staffsim: a discrete-event simulation of a children's social work service.

The public API for notebooks and scripts lives here; the layers below it are
``scenario`` (validated inputs), ``streams`` (named random numbers), ``model``
(SimPy processes), ``results`` (tables), ``experiment`` (replications and
comparisons), ``report`` (figures) and ``cli`` (the command line).
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
