"""Discourse's tables as its migrations create them (``db/structure``-level column names, types and defaults).

The tables Rescue reads, and their columns as a current Discourse (3.x) has them in the order pg_dump
lists them, leaving out columns added for features the synthetic world does not use. Data, not code.
"""

from __future__ import annotations

from rescue.synth.pgdump import PgTable

TS = "timestamp without time zone"
TSN = f"{TS} NOT NULL"
INT0 = "integer DEFAULT 0 NOT NULL"

TABLES = (
    PgTable("users", (
        ("id", "integer NOT NULL"), ("username", "character varying(60) NOT NULL"), ("created_at", TSN),
        ("updated_at", TSN), ("name", "character varying"), ("seen_notification_id", INT0),
        ("last_posted_at", TS), ("password_hash", "character varying(64)"), ("salt", "character varying(32)"),
        ("active", "boolean DEFAULT false NOT NULL"), ("username_lower", "character varying(60) NOT NULL"),
        ("last_seen_at", TS), ("admin", "boolean DEFAULT false NOT NULL"), ("last_emailed_at", TS),
        ("trust_level", "integer NOT NULL"), ("approved", "boolean DEFAULT false NOT NULL"),
        ("approved_by_id", "integer"), ("approved_at", TS), ("previous_visit_at", TS), ("suspended_at", TS),
        ("suspended_till", TS), ("date_of_birth", "date"), ("views", INT0), ("flag_level", INT0),
        ("ip_address", "inet"), ("moderator", "boolean DEFAULT false"), ("title", "character varying"),
        ("uploaded_avatar_id", "integer"), ("locale", "character varying(10)"), ("primary_group_id", "integer"),
        ("registration_ip_address", "inet"), ("staged", "boolean DEFAULT false NOT NULL"), ("first_seen_at", TS),
        ("silenced_till", TS), ("group_locked_trust_level", "integer"), ("manual_locked_trust_level", "integer"),
        ("secure_identifier", "character varying"), ("flair_group_id", "integer"),
        ("last_seen_reviewable_id", "integer"), ("password_algorithm", "character varying(64)"),
    )),
    PgTable("user_emails", (
        ("id", "integer NOT NULL"), ("user_id", "integer NOT NULL"), ("email", "character varying(513) NOT NULL"),
        ("primary", "boolean DEFAULT false NOT NULL"), ("created_at", TSN), ("updated_at", TSN),
        ("normalized_email", "character varying"),
    )),
    PgTable("user_profiles", (
        ("user_id", "integer NOT NULL"), ("location", "character varying(3000)"),
        ("website", "character varying(3000)"), ("bio_raw", "text"), ("bio_cooked", "text"),
        ("dismissed_banner_key", "integer"), ("bio_cooked_version", "integer"),
        ("badge_granted_title", "boolean DEFAULT false"), ("views", INT0),
        ("profile_background_upload_id", "integer"), ("card_background_upload_id", "integer"),
        ("granted_title_badge_id", "bigint"), ("featured_topic_id", "integer"),
    ), serial=False, key=("user_id",)),
    PgTable("categories", (
        ("id", "integer NOT NULL"), ("name", "character varying(50) NOT NULL"),
        ("color", "character varying(6) DEFAULT '0088CC'::character varying NOT NULL"), ("topic_id", "integer"),
        ("topic_count", INT0), ("created_at", TSN), ("updated_at", TSN), ("user_id", "integer NOT NULL"),
        ("topics_year", "integer DEFAULT 0"), ("topics_month", "integer DEFAULT 0"),
        ("topics_week", "integer DEFAULT 0"), ("slug", "character varying NOT NULL"), ("description", "text"),
        ("text_color", "character varying(6) DEFAULT 'FFFFFF'::character varying NOT NULL"),
        ("read_restricted", "boolean DEFAULT false NOT NULL"), ("auto_close_hours", "double precision"),
        ("post_count", INT0), ("latest_post_id", "integer"), ("latest_topic_id", "integer"),
        ("position", "integer"), ("parent_category_id", "integer"),
    )),
    PgTable("topics", (
        ("id", "integer NOT NULL"), ("title", "character varying NOT NULL"), ("last_posted_at", TS),
        ("created_at", TSN), ("updated_at", TSN), ("views", INT0), ("posts_count", INT0), ("user_id", "integer"),
        ("last_post_user_id", "integer NOT NULL"), ("reply_count", INT0), ("deleted_at", TS),
        ("highest_post_number", INT0), ("like_count", INT0), ("category_id", "integer"),
        ("visible", "boolean DEFAULT true NOT NULL"), ("closed", "boolean DEFAULT false NOT NULL"),
        ("archived", "boolean DEFAULT false NOT NULL"), ("bumped_at", TSN),
        ("archetype", "character varying DEFAULT 'regular'::character varying NOT NULL"),
        ("subtype", "character varying"), ("slug", "character varying"),
        ("participant_count", "integer DEFAULT 1"), ("word_count", "integer"), ("fancy_title", "character varying"),
    )),
    PgTable("posts", (
        ("id", "integer NOT NULL"), ("user_id", "integer"), ("topic_id", "integer NOT NULL"),
        ("post_number", "integer NOT NULL"), ("raw", "text NOT NULL"), ("cooked", "text NOT NULL"),
        ("created_at", TSN), ("updated_at", TSN), ("reply_to_post_number", "integer"), ("reply_count", INT0),
        ("quote_count", INT0), ("deleted_at", TS), ("reads", INT0), ("post_type", "integer DEFAULT 1 NOT NULL"),
        ("sort_order", "integer"), ("last_editor_id", "integer"), ("hidden", "boolean DEFAULT false NOT NULL"),
        ("last_version_at", TSN), ("user_deleted", "boolean DEFAULT false NOT NULL"),
        ("reply_to_user_id", "integer"), ("word_count", "integer"), ("version", "integer DEFAULT 1 NOT NULL"),
        ("cook_method", "integer DEFAULT 1 NOT NULL"), ("wiki", "boolean DEFAULT false NOT NULL"),
        ("self_edits", INT0), ("reply_quoted", "boolean DEFAULT false NOT NULL"),
        ("via_email", "boolean DEFAULT false NOT NULL"), ("public_version", "integer DEFAULT 1 NOT NULL"),
    )),
    PgTable("topic_allowed_users", (
        ("id", "integer NOT NULL"), ("user_id", "integer NOT NULL"), ("topic_id", "integer NOT NULL"),
        ("created_at", TSN), ("updated_at", TSN),
    )),
    PgTable("user_auth_token_logs", (
        ("id", "integer NOT NULL"), ("action", "character varying NOT NULL"), ("user_auth_token_id", "integer"),
        ("user_id", "integer"), ("client_ip", "inet"), ("user_agent", "character varying"),
        ("auth_token", "character varying"), ("created_at", TS), ("path", "character varying"),
    )),
    PgTable("user_histories", (
        ("id", "integer NOT NULL"), ("action", "integer NOT NULL"), ("acting_user_id", "integer"),
        ("target_user_id", "integer"), ("details", "text"), ("created_at", TSN), ("updated_at", TSN),
        ("context", "character varying"), ("ip_address", "character varying"), ("email", "character varying"),
        ("subject", "text"), ("previous_value", "text"), ("new_value", "text"), ("topic_id", "integer"),
        ("admin_only", "boolean DEFAULT false"), ("post_id", "integer"), ("custom_type", "character varying"),
        ("category_id", "integer"),
    )),
    PgTable("screened_ip_addresses", (
        ("id", "integer NOT NULL"), ("ip_address", "inet NOT NULL"), ("action_type", "integer NOT NULL"),
        ("match_count", INT0), ("last_match_at", TS), ("created_at", TSN), ("updated_at", TSN),
    )),
    PgTable("uploads", (
        ("id", "integer NOT NULL"), ("user_id", "integer NOT NULL"),
        ("original_filename", "character varying NOT NULL"),
        ("filesize", "bigint NOT NULL"), ("width", "integer"), ("height", "integer"),
        ("url", "character varying NOT NULL"), ("created_at", TSN), ("updated_at", TSN),
        ("sha1", "character varying(40)"), ("origin", "character varying(1000)"), ("retain_hours", "integer"),
        ("extension", "character varying(10)"), ("secure", "boolean DEFAULT false NOT NULL"),
        ("access_control_post_id", "bigint"), ("original_sha1", "character varying"),
    )),
    PgTable("upload_references", (
        ("id", "bigint NOT NULL"), ("upload_id", "bigint NOT NULL"), ("target_type", "character varying NOT NULL"),
        ("target_id", "bigint NOT NULL"), ("created_at", TSN), ("updated_at", TSN),
    )),
)
