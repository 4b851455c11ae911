"""Meetings: UVOs on an 8-week cadence with attendees, minutes and agreements; recurring ITAT and
casuistry meetings; the daily reminder scan, notifications and the personal iCal feed."""
