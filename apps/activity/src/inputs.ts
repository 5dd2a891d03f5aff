// The activity procedures' inputs are the contract's: the web client names the same kinds.
export {
  ACTIVITY_KINDS,
  type RecordActivityInput as RecordInput,
  recordActivityInput as recordInput,
} from '@revoke/contract';
