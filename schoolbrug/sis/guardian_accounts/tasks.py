"""Background work of the guardian accounts: sending an invitation batch."""

from __future__ import annotations

import logging

from django.tasks import task

logger = logging.getLogger(__name__)


@task
def send_invitation_batch(batch_id: int, base_url: str = "") -> None:
    """`base_url`: the address of the request that started the batch, for the links in the mails
    (schoolbrug.core.outgoing); tasks enqueued before it existed have none."""
    from .batch_models import InvitationBatch
    from .batch_services import invitation_batch_run  # the service module enqueues this task

    try:
        invitation_batch_run(batch_id=batch_id, base_url=base_url)
    except InvitationBatch.DoesNotExist:
        # The school was removed meanwhile: nothing left to send, and nothing worth retrying.
        logger.warning("Invitation batch %s no longer exists.", batch_id)
