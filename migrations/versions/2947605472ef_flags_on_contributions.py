"""flags on contributions

Revision ID: 2947605472ef
Revises: a7c72a8a596b
Create Date: 2026-11-23 19:14:19.613358

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2947605472ef'
down_revision = 'a7c72a8a596b'
branch_labels = None
depends_on = None


def upgrade():
    # Existing contributions carry no flags.
    with op.batch_alter_table('contribution', schema=None) as batch_op:
        batch_op.add_column(sa.Column('flags', sa.JSON(), nullable=False, server_default='[]'))

    # ### end Alembic commands ###


def downgrade():
    # Existing contributions carry no flags.
    with op.batch_alter_table('contribution', schema=None) as batch_op:
        batch_op.drop_column('flags')

    # ### end Alembic commands ###
