"""rating and reflection rounds, invitations, participation, endorsements, profiles

Revision ID: 2612d3c52f76
Revises: 253e64434795
Create Date: 2026-11-23 17:59:52.777824

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2612d3c52f76'
down_revision = '253e64434795'
branch_labels = None
depends_on = None


def upgrade():
    # Existing rows get defaults: dialogues made before invitations were open to all.
    op.create_table('user_area',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_user_area_area_id_area'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_area_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'area_id', name=op.f('pk_user_area'))
    )
    op.create_table('invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dialogue_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('invited_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dialogue_id'], ['dialogue.id'], name=op.f('fk_invitation_dialogue_id_dialogue'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['user.id'], name=op.f('fk_invitation_invited_by_id_user')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_invitation_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitation_token_hash'))
    )
    op.create_table('participation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dialogue_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('previous_seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['dialogue_id'], ['dialogue.id'], name=op.f('fk_participation_dialogue_id_dialogue'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_participation_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participation')),
    sa.UniqueConstraint('dialogue_id', 'user_id', name=op.f('uq_participation_dialogue_id'))
    )
    op.create_table('reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_reminder_round_id_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_reminder_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder')),
    sa.UniqueConstraint('round_id', 'user_id', name=op.f('uq_reminder_round_id'))
    )
    op.create_table('statement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_statement_round_id_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statement')),
    sa.UniqueConstraint('round_id', 'key', name=op.f('uq_statement_round_id'))
    )
    op.create_table('rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('participant_key', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('value', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('role', sa.String(length=40), nullable=True),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_rating_area_id_area')),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], name=op.f('fk_rating_statement_id_statement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_rating_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating')),
    sa.UniqueConstraint('statement_id', 'participant_key', name=op.f('uq_rating_statement_id'))
    )
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.create_index('ix_rating_breakdown', ['statement_id', 'role', 'area_id', 'value'], unique=False)

    op.create_table('round_statement',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_round_statement_round_id_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], name=op.f('fk_round_statement_statement_id_statement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'statement_id', name=op.f('pk_round_statement'))
    )
    op.create_table('endorsement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contribution_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contribution_id'], ['contribution.id'], name=op.f('fk_endorsement_contribution_id_contribution'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_endorsement_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_endorsement')),
    sa.UniqueConstraint('contribution_id', 'user_id', name=op.f('uq_endorsement_contribution_id'))
    )
    op.create_table('statement_source',
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('contribution_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contribution_id'], ['contribution.id'], name=op.f('fk_statement_source_contribution_id_contribution'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['statement_id'], ['statement.id'], name=op.f('fk_statement_source_statement_id_statement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('statement_id', 'contribution_id', name=op.f('pk_statement_source'))
    )
    with op.batch_alter_table('contribution', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('dialogue', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visibility', sa.String(length=10), nullable=False, server_default='all'))
        batch_op.add_column(sa.Column('consensus_share', sa.Double(), nullable=False, server_default='0.7'))
        batch_op.add_column(sa.Column('consensus_iqr', sa.Double(), nullable=False, server_default='1.0'))
        batch_op.add_column(sa.Column('min_group_size', sa.Integer(), nullable=False, server_default='5'))

    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('synthesis', sa.Text(), nullable=False, server_default=''))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('show_real_name', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('professional_role', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('organisation_type', sa.String(length=40), nullable=True))

    # ### end Alembic commands ###


def downgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('organisation_type')
        batch_op.drop_column('professional_role')
        batch_op.drop_column('show_real_name')

    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_column('synthesis')

    with op.batch_alter_table('dialogue', schema=None) as batch_op:
        batch_op.drop_column('min_group_size')
        batch_op.drop_column('consensus_iqr')
        batch_op.drop_column('consensus_share')
        batch_op.drop_column('visibility')

    with op.batch_alter_table('contribution', schema=None) as batch_op:
        batch_op.drop_column('edited_at')

    op.drop_table('statement_source')
    op.drop_table('endorsement')
    op.drop_table('round_statement')
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.drop_index('ix_rating_breakdown')

    op.drop_table('rating')
    op.drop_table('statement')
    op.drop_table('reminder')
    op.drop_table('participation')
    op.drop_table('invitation')
    op.drop_table('user_area')
    # ### end Alembic commands ###
