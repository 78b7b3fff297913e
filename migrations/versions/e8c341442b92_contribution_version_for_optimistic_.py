"""contribution version for optimistic locking

Revision ID: e8c341442b92
Revises: 990b24e26153
Create Date: 2026-11-23 19:47:08.527687

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e8c341442b92'
down_revision = '990b24e26153'
branch_labels = None
depends_on = None


def upgrade():
    # Existing contributions start at version 1.
    with op.batch_alter_table('contribution', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))

    # ### end Alembic commands ###


def downgrade():
    # Existing contributions start at version 1.
    with op.batch_alter_table('contribution', schema=None) as batch_op:
        batch_op.drop_column('version')

    # ### end Alembic commands ###
