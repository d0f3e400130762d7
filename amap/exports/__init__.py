"""Exports of a group's data as spreadsheets (CSV and XLSX), for its committee and its producers."""
