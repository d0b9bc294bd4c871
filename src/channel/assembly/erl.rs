//! Effective return loss, ERL (IEEE 802.3 Annex 93A.5). Not yet implemented (issue 3).
