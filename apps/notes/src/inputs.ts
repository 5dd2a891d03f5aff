// The notes procedures' inputs are the contract's, which the web client validates against too.
export {
  createNoteInput as createInput,
  deleteNoteInput as deleteInput,
  MAX_NOTE_BODY_LENGTH as MAX_BODY_LENGTH,
} from '@revoke/contract';
