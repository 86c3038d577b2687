"""The pupil file (REC-1 … REC-7): one module per part, all registered here."""

from .absences import *  # noqa: F403
from .corrections import *  # noqa: F403
from .news import *  # noqa: F403
from .notes import *  # noqa: F403
from .plans import *  # noqa: F403
from .reports import *  # noqa: F403
from .tests import *  # noqa: F403
from .yearplan import *  # noqa: F403
